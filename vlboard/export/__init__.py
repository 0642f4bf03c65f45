"""Meeting packs and downloads: PDF, PPTX, PNG, CSV/XLSX."""
