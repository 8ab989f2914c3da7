"""The one seam every dense-layer matrix product goes through.

The model code calls `backend.matmul(a, b, out=None)` for every product,
forward and backward. For the backward products an operand is a transposed
view (`a.T` of a C-contiguous array, i.e. Fortran-ordered), so a backend that
cares, like the WebGPU bridge, reads the transpose from the array's layout and
runs an A^T B or A B^T kernel instead of copying. numpy's own `np.matmul`
serves directly: a Python wrapper around it would cost as much as the product
itself on the default model's tiny matrices.
"""

import numpy as np


class NumpyBackend:
    name = "numpy"
    matmul = np.matmul     # a ufunc, not a method: no self, no wrapper frame


NUMPY = NumpyBackend()
