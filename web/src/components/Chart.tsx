/** ECharts with only the parts the screens use (keeps the bundle small). */
import ReactEChartsCore from "echarts-for-react/lib/core";
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, TooltipComponent, TitleComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";
import type { EChartsOption } from "echarts";

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, TitleComponent, SVGRenderer]);

export function Chart({
  option,
  height = 260,
  label,
}: {
  option: EChartsOption;
  height?: number;
  /** what the chart shows, for screen readers */
  label: string;
}) {
  return (
    <div role="img" aria-label={label}>
      <ReactEChartsCore
        echarts={echarts}
        option={option}
        notMerge
        style={{ height, width: "100%" }}
        opts={{ renderer: "svg" }}
      />
    </div>
  );
}
