// Det Fælles Designsystem's behaviour (menus, accordions, tooltips).
// Every page works without it; it only adds to what the server renders.
if (window.DKFDS && typeof window.DKFDS.init === "function") {
  window.DKFDS.init();
}
