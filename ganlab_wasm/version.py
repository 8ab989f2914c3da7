"""The package's version, in a module of its own: the package, the saved
experiments (lab.py) and build.py all read it from here."""

__version__ = "0.1.0"
