// The course website (book/_ext/readable_pages.py): a notebook figure shown smaller than it was drawn opens
// at full size in a new tab on a click, so that its labels can be read on a narrow screen.
document.addEventListener("DOMContentLoaded", () => {
  const mark = (img) => {
    if (img.naturalWidth > img.clientWidth + 1) {
      img.classList.add("course-zoomable");
      img.title = "Shown smaller than drawn: click to open it at full size";
    }
  };
  document.querySelectorAll("div.cell_output img").forEach((img) => {
    if (img.complete) { mark(img); } else { img.addEventListener("load", () => mark(img)); }
    img.addEventListener("click", () => {
      if (img.classList.contains("course-zoomable")) { window.open(img.src, "_blank"); }
    });
  });
});
