"""The floor every stage stands on: errors a user can act on (`errors`: `InputError`, `InfeasibleError`, `Problem`)
and safe writing (`safe`: text cells never formulas, plain output file names, atomic writes, SIGINT/SIGTERM).
Imports nothing from planner."""
