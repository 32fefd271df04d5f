// Draws each trend chart ([data-chart] + its <script type="application/json"> spec) with
// Vega-Lite. window.vegaEmbed comes from /static/vega.js, loaded as a module just before.
// The pages' Content-Security-Policy allows no eval and no inline style, so Vega interprets
// its expressions (ast: true, its interpreter) rather than compiling them with `new Function`,
// and neither vega-embed nor the tooltip injects a <style>: hmc.css carries their styles.
const embed = window.vegaEmbed;
const options = {
  actions: false,
  renderer: "svg",
  mode: "vega-lite",
  ast: true,
  defaultStyle: false,
  tooltip: { disableDefaultStyle: true },
};

// The map of the areas ([data-map]) is drawn the same way; its spec loads the boundaries
// from /static/maps.
for (const element of document.querySelectorAll("[data-chart], [data-map]")) {
  const source = document.getElementById(element.dataset.chart || element.dataset.map);
  if (!source) continue;
  const spec = JSON.parse(source.textContent);
  // vega-embed gives the container its own role and label: keep the page's ones
  const label = element.getAttribute("aria-label");
  embed(element, spec, options).then(() => {
    element.setAttribute("role", "img");
    if (label) element.setAttribute("aria-label", label);
  }).catch((error) => {
    element.textContent = element.dataset.error || "chart unavailable";
    console.error(error);
  });
}
