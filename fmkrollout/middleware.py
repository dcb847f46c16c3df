from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class DanishFirstLocaleMiddleware:
    """Speak Danish unless the user has chosen English with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so
    an English-language browser would get an English portal; the users work
    in Danish, so only their explicit choice (the language cookie) counts.

    The API (`API_PREFIX`) is the exception: its clients are programs, whose
    Accept-Language is a choice someone made, so there it counts after the
    cookie (Danish when neither names a language the portal speaks).
    """

    API_PREFIX = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        is_api = request.path.startswith(self.API_PREFIX)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in self.languages:
            language = chosen
        elif is_api:
            language = self._accepted(request)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        if is_api:
            patch_vary_headers(response, ["Cookie", "Accept-Language"])
        else:
            response.headers.setdefault("Vary", "Cookie")
        return response

    def _accepted(self, request):
        header = request.headers.get("Accept-Language", "")
        for code, _quality in translation.trans_real.parse_accept_lang_header(header):
            base = code.split("-")[0].lower()
            if base in self.languages:
                return base
        return settings.LANGUAGE_CODE


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
