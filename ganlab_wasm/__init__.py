"""ganlab_wasm: the GAN Lab core, pure numpy, for CPython and Pyodide.

    from ganlab_wasm import Config, Lab
    lab = Lab(Config(distribution="ring", seed=0))
    lab.train(2000)
    lab.metrics()   # epoch, d_loss, g_loss, kl, js
"""

__version__ = "0.1.0"

import sys  # noqa: E402

# The PyScript facade (ganlab_wasm.embed) runs in MicroPython, which has no
# numpy: there, importing the package must not pull in the core.
if sys.implementation.name != "micropython":
    from .config import Config, ConfigError, recommended  # noqa: E402
    from .lab import DivergedError, Lab, LoadError  # noqa: E402
    from .multirun import Comparison  # noqa: E402

__all__ = ["Comparison", "Config", "ConfigError", "DivergedError", "Lab", "LoadError", "recommended", "__version__"]
