// charts.js: the parts of ECharts the dashboard draws with (lines, bars, the AQI calendar heatmap), so
// only those ship; loaded on first use by common.chart().
import * as echarts from 'echarts/core';
import { LineChart, HeatmapChart, BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, CalendarComponent, DataZoomComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([LineChart, HeatmapChart, BarChart, GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, CalendarComponent,
  DataZoomComponent, SVGRenderer]);
export { echarts };
