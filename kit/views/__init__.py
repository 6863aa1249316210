"""Every widget view of the kit. Views import the model; nothing outside views imports ipywidgets.

Each view is an object with named parts (see base.View); the functions the notebooks call
(`kit.case_view`, `kit.debate_view`, ...) return them.
"""
