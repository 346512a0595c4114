// Remembers ticked checklist items in this browser, per event and item.
// Without JavaScript the checkboxes still work; they are just not remembered.
(function () {
  "use strict";
  function store() {
    try {
      const probe = "sphinx-event-ext:probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }
  function restore() {
    const storage = store();
    if (!storage) return;
    document.querySelectorAll("input.event-checkbox[data-storage-key]").forEach(function (box) {
      if (box.disabled) return;
      const key = box.dataset.storageKey;
      box.checked = storage.getItem(key) === "1";
      box.addEventListener("change", function () {
        if (box.checked) storage.setItem(key, "1");
        else storage.removeItem(key);
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", restore);
  else restore();
})();
