// taskd's page: the little htmx does not do. No inline handlers anywhere (the CSP forbids them).
"use strict";

// Forms marked data-confirm (delete, forget) ask first; a plain POST form otherwise.
document.addEventListener("submit", (event) => {
  const question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});

// The live part is swapped every few seconds: a snooze length being picked would be lost, so
// the poll skips its turn while a <select> in it has the focus.
document.addEventListener("htmx:beforeRequest", (event) => {
  const live = document.getElementById("live");
  const active = document.activeElement;
  if (event.detail.elt === live && active && active.tagName === "SELECT" && live.contains(active)) {
    event.preventDefault();
  }
});
