"""The Sphinx glue: directives, roles, nodes, the environment collector and event handlers.

Thin by design: it turns options into an ``Event``, calls the model, plans and content
services, and turns their results into docutils nodes and files.
"""
