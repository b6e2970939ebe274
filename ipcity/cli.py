"""The `ipcity` command: Django's management commands under one name.

`ipcity plan load FILE`, `ipcity demo load`, `ipcity migrate`, ... all run in the configured
settings (environment variables, see .env.example).
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipcity.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["ipcity", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
