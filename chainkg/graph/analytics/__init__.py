"""Pure graph analytics over networkx graphs: no I/O, tested on tiny hand-built graphs."""
