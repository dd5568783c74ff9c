// The skills autocomplete (skills/widgets/concept_autocomplete.html), progressive enhancement only.
// Without scripts its "Find" button is a submit button: the page comes back with the matches. With scripts
// the matches come as the person types, so "Find" becomes a plain button that asks for them now. That also
// keeps it from being the form's default button: Enter in any field of the form (the autocomplete's text box
// included) saves the form with its own save button instead of running a search.
(() => {
  if (window.migdevConceptPicker) {
    return; // the widget includes this file once per field
  }
  window.migdevConceptPicker = true;
  const enhance = (root) => {
    root.querySelectorAll(".concept-picker button[data-concept-find]").forEach((button) => {
      button.type = "button";
    });
  };
  const setUp = () => {
    enhance(document);
    document.body.addEventListener("htmx:load", (event) => enhance(event.detail.elt));
    document.body.addEventListener("click", (event) => {
      const button = event.target.closest(".concept-picker button[data-concept-find]");
      if (button && button.type === "button") {
        const input = button.closest(".concept-picker").querySelector("input[type=search]");
        input.dispatchEvent(new Event("concept-find"));
      }
    });
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp(); // arrived with content swapped in after the page loaded
  }
})();
