"""The renderer for mystmd (Jupyter Book 2): an executable plugin that turns the plan into MyST AST.

It sits beside ``sphinx/`` and reuses the model and plan layers; it imports neither Sphinx nor docutils.
"""
