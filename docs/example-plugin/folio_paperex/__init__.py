"""folio plugin for PaperEx, the made-up exchange of folio's plugin tutorial."""
