print("bqs-verify")
