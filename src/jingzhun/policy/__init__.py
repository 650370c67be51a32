"""Policy rules as code: dated parameters with references, safe conditions, packs."""
