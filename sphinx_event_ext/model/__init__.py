"""The event model: the JSON Schemas, formats, validation into an immutable ``Event``, configuration.

It imports nothing else of the package; everything else reads ``Event``, never raw options.
"""
