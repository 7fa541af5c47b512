"""One module per tab: each lays out its components and wires their events to the handlers (`ui.handlers.Lab`)."""
