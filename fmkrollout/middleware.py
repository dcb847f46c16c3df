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


class PermissionsPolicyMiddleware:
    """Switch off the browser features the portal never uses, so that no
    script (ours or one injected) can ask for the camera, the microphone
    or the user's position. Set in PERMISSIONS_POLICY."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
