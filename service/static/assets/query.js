// Sets up YASGUI on the query page: the local endpoint, the catalogue queries as tabs, and an
// optional query from the URL that runs at once (shareable links; the browser test uses it).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("query-config").textContent);
  // Class and property completion would fetch from lov.linkeddata.es; this page talks to its own
  // origin only.
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  // Literals as plain values ("21", "Fair", not "21"^^xsd:integer, "Fair"@en) and labels in full.
  // The table's "Simple view" also hides row numbers and squeezes the columns, so only its literal
  // formatting is borrowed (YASR escapes the value there as everywhere).
  Yasgui.Yasr.defaults.plugins.table.dynamicConfig = { isEllipsed: false };
  var Table = Yasgui.Yasr.plugins.table;
  if (Table && Table.prototype.formatLiteral) {
    var typed = Table.prototype.formatLiteral;
    Table.prototype.formatLiteral = function (literal, prefixes) {
      var saved = this.persistentConfig.compact;
      this.persistentConfig.compact = true;
      try { return typed.call(this, literal, prefixes); } finally { this.persistentConfig.compact = saved; }
    };
  }
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } }
  });
  var first = yasgui.getTab();
  config.examples.forEach(function (example) {
    yasgui.addTab(false, { name: example.title, yasqe: { value: example.query } });
  });
  if (config.query) {
    first.setQuery(config.query);
    yasgui.selectTabId(first.getId());
    if (config.run) {
      first.query();
    }
  }
  window.hmicYasgui = yasgui;
})();
