"""Plans: pure functions from an ``Event`` to what it implies (links, times, checklist, pre-warm
request and capacity, notifications, calendars). No Sphinx, no git, no kernels.
"""
