"""ganlab_wasm: the GAN Lab core, pure numpy, for CPython and Pyodide.

    from ganlab_wasm import Config, Lab
    lab = Lab(Config(distribution="ring", seed=0))
    lab.train(2000)
    lab.metrics()   # epoch, d_loss, g_loss, kl, js

(The PyScript client of an embedded lab is the separate package ganlab_embed.)
"""

from .config import Config, ConfigError, recommended
from .lab import DivergedError, Lab, LoadError
from .version import __version__

__all__ = ["Config", "ConfigError", "DivergedError", "Lab", "LoadError", "recommended", "__version__"]
