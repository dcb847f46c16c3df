from rest_framework.pagination import PageNumberPagination


class PortalPagination(PageNumberPagination):
    """Numbered pages of 50; `page_size` up to 200 (all 98 municipalities
    fit on one page)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
