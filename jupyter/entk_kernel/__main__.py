"""``python -m entk_kernel -f CONNECTION_FILE``: what the kernel spec's argv runs."""

from ipykernel.kernelapp import IPKernelApp

from .kernel import EntkKernel

IPKernelApp.launch_instance(kernel_class=EntkKernel)
