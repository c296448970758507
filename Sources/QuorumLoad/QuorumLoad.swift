// The exact load module: see the issue on check and load.
