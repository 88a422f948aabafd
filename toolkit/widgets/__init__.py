"""ipywidgets views for notebooks (wizards, triage tables): thin views over plain state objects of the layers
below, no business rule inside. Same layer as :mod:`toolkit.cli`. Empty until the first widget lands."""
