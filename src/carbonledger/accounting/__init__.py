"""Carbon accounting engine: methodologies, factor sets and allocation.

Pure library: no network, no database; it reads only its packaged data.
"""
