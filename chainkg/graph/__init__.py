"""The graph: model, stores and networkx analytics."""
