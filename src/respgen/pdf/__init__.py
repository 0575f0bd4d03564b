"""The PDF: HTML from the template, drawing with WeasyPrint, finishing the tags, its checks."""
