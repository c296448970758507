import Z3Kit
