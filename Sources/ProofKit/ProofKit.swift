// Regression proof obligations: see the issue on regression proofs.
