// The radar page's script, written into the page by render/html/page.py.
// Progressive enhancement: without JavaScript the headers are plain text and the rows keep the
// Hub's order. Numbers sort descending first, text ascending; unknown values stay at the bottom.
for (const table of document.querySelectorAll("table.sortable")) {
  const heads = [...table.tHead.rows[0].cells];
  heads.forEach((th, col) => {
    const button = document.createElement("button");
    button.type = "button";
    button.append(...th.childNodes);
    th.append(button);
    button.addEventListener("click", () => {
      const num = th.classList.contains("num"), first = num ? "descending" : "ascending";
      const dir = th.getAttribute("aria-sort") === first ? (num ? "ascending" : "descending") : first;
      heads.forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", dir);
      const sign = dir === "ascending" ? 1 : -1, key = (row) => row.cells[col].dataset.sort;
      const body = table.tBodies[0];
      [...body.rows].sort((a, b) => {
        const x = key(a), y = key(b);
        if (x === "" || y === "") return (x === "") - (y === "");
        return sign * (num ? x - y : x.localeCompare(y));
      }).forEach((row) => body.append(row));
    });
  });
}
// While a table is wider than its card, its optional columns give way, highest priority number
// first; the CSS breakpoints do the same at fixed widths for a page read without JavaScript.
function fit() {
  for (const wrap of document.querySelectorAll(".table-wrap")) {
    const level = (p) => wrap.querySelectorAll(`.p${p}`);
    for (let p = 1; p <= 6; p++) level(p).forEach((cell) => cell.classList.remove("squeezed"));
    for (let p = 6; p >= 1 && wrap.scrollWidth > wrap.clientWidth + 1; p--) {
      level(p).forEach((cell) => cell.classList.add("squeezed"));
    }
  }
}
fit();
addEventListener("resize", fit);
