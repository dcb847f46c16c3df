def municipality_panel(request, municipality):
    return None
