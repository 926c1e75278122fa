"""Views of the graph for people: interactive pages (pyvis data, vis-network), exports, charts.

Each view module turns a question's answer into a :class:`~chainkg.views.render.View`
(a networkx graph with display attributes, a legend and what was cut);
:mod:`chainkg.views.render` draws it as one offline HTML page, :mod:`chainkg.views.export`
writes its subgraph for Gephi and spreadsheets, :mod:`chainkg.views.charts` draws the
comparison charts. :func:`chainkg.views.catalog.build_view` is the one entry point.
"""
