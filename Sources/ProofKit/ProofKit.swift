// ProofKit: the regression proof obligations under Proofs/ (the issue on regression proofs).
//
// - Obligation.swift: the YAML obligation format and its strict reader (file:line errors).
// - ParametricProofs.swift: claims for all n, f (and k) by Z3 over Venn-region sizes.
// - Sweeps.swift: exhaustive sweeps over instances, and single existence questions.
// - Runner.swift: selection (filter, shards), budgets, the table, JSON and JUnit reports.
