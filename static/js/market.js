// Industry patent map charts (ECharts). Data comes from the page's json_script element; each chart
// can be saved as a PNG image (toolbox).
(function () {
  "use strict";
  var node = document.getElementById("industry-map-data");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var save = { feature: { saveAsImage: { title: "保存为图片", pixelRatio: 2 } } };
  var charts = [];

  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var c = echarts.init(el);
    c.setOption(option);
    charts.push(c);
  }

  chart("map-years", {
    title: { text: "按申请年份和专利类型", textStyle: { fontSize: 14 } },
    toolbox: save,
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { top: 24 },
    grid: { left: 48, right: 16, top: 64, bottom: 32 },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value", minInterval: 1, name: "件" },
    series: data.series.map(function (s) { return { name: s.name, type: "bar", stack: "all", data: s.data }; })
  });
  chart("map-regions", {
    title: { text: "各区市", textStyle: { fontSize: 14 } },
    toolbox: save,
    tooltip: { trigger: "item", renderMode: "richText" },
    series: [{ type: "pie", radius: ["35%", "65%"], top: 24, data: data.regions }]
  });
  chart("map-ipc", {
    title: { text: "IPC 大组", textStyle: { fontSize: 14 } },
    toolbox: save,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
    grid: { left: 80, right: 16, top: 40, bottom: 24 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.ipc.map(function (r) { return r.name; }) },
    series: [{ type: "bar", data: data.ipc.map(function (r) { return r.value; }) }]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
