"""Assembly to LLVM-IR: data pairs, lifting with round-trip verification."""
