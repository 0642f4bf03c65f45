"""Pure rules of the programme, no I/O."""
