"""Content: what touches git and kernels (pulling with nbgitpuller's ``GitPuller``, running
notebooks with nbclient, comparing outputs). No Sphinx. Needs the ``check`` extra.
"""
