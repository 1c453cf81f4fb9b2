"""``python -m entk_kernel.install --entk PATH [--sys-prefix | --user | --prefix DIR]``:
registers the ``entk`` kernel spec, which runs this package with ``ENTK_BINARY=PATH``."""

import argparse
import json
import os
import sys
import tempfile

from jupyter_client.kernelspec import KernelSpecManager


def kernel_spec(binary):
    return {
        "argv": [sys.executable, "-m", "entk_kernel", "-f", "{connection_file}"],
        "display_name": "entk",
        "language": "entk",
        "interrupt_mode": "signal",
        "env": {"ENTK_BINARY": binary},
        "metadata": {"debugger": False},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description="Register the entk Jupyter kernel spec.")
    parser.add_argument("--entk", required=True, help="the entk executable the kernel starts")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--sys-prefix", action="store_true", help="install into sys.prefix (the virtual environment)")
    where.add_argument("--user", action="store_true", help="install for the current user")
    where.add_argument("--prefix", help="install under this prefix")
    args = parser.parse_args(argv)
    binary = os.path.abspath(args.entk)
    if not os.access(binary, os.X_OK):
        parser.error(f"not an executable: {binary}")
    with tempfile.TemporaryDirectory() as directory:
        with open(os.path.join(directory, "kernel.json"), "w") as file:
            json.dump(kernel_spec(binary), file, indent=1)
        prefix = sys.prefix if args.sys_prefix else args.prefix
        destination = KernelSpecManager().install_kernel_spec(directory, "entk", user=args.user, prefix=prefix)
    print(f"installed the entk kernel spec in {destination}")


if __name__ == "__main__":
    main()
