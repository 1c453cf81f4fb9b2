"""The entk Jupyter kernel: a wrapper kernel (ipykernel's ``Kernel``) that starts
``entk --kernel`` and translates Jupyter's messages to entk's JSON-lines protocol
(``Documentation/Kernel.md``)."""

from .kernel import EntkKernel

__all__ = ["EntkKernel"]
