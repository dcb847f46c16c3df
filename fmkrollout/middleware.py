from django.conf import settings
from django.utils import translation


class DanishFirstLocaleMiddleware:
    """Speak Danish unless the user has chosen English with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so
    an English-language browser would get an English portal; the users work
    in Danish, so only their explicit choice (the language cookie) counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response
