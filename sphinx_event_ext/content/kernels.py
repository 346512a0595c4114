"""The kernel a notebook gets when the event has its own environment: that environment's Python."""

from __future__ import annotations

import re
from collections.abc import Sequence

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

_PYTHON_KERNEL = re.compile(r"^(python\d*(\.\d+)*)?$")


def is_python_kernel(name: str) -> bool:
    """Whether a notebook's kernel name means "Python" (``python3``, ``python``, or none given)."""
    return bool(_PYTHON_KERNEL.match(name or ""))


class EnvironmentKernels(KernelSpecManager):
    """Kernel specs where every Python kernel starts ``argv``; other kernels (R, Julia...) are found as usual."""

    def __init__(self, argv: Sequence[str], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.environment_argv = list(argv)

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        """The environment's Python for a Python kernel name, else the installed kernel of that name."""
        if is_python_kernel(kernel_name):
            return KernelSpec(
                argv=self.environment_argv, display_name="Python 3 (event environment)", language="python"
            )
        return super().get_kernel_spec(kernel_name)
