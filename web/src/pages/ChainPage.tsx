import { useEffect, useState } from "react";
import { Card, Col, Empty, Row } from "antd";
import { call } from "../api/client";
import { Chart } from "../components/Chart";
import { ChainStatusCard } from "../components/ChainStatusCard";
import { PageHeader } from "../components/PageHeader";
import { useI18n } from "../i18n";
import { useSession } from "../session";

interface Sample {
  at: number;
  block: number;
}

const EVERY_MS = 5000;
const KEEP = 60;

/** The chain's height, sampled while the page is open (no history is stored anywhere). */
function useHeightSamples(): Sample[] {
  const { api } = useSession();
  const [samples, setSamples] = useState<Sample[]>([]);
  useEffect(() => {
    let live = true;
    const sample = () =>
      call(api.client.GET("/api/v1/chain/status")).then(
        (s) => {
          if (live) setSamples((old) => [...old, { at: Date.now(), block: s.block }].slice(-KEEP));
        },
        () => undefined, // the status card shows the error
      );
    void sample();
    const timer = window.setInterval(() => void sample(), EVERY_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [api]);
  return samples;
}

export function ChainPage() {
  const { t, locale } = useI18n();
  const samples = useHeightSamples();
  const time = new Intl.DateTimeFormat(locale, { timeStyle: "medium" });
  return (
    <>
      <PageHeader title={t("chain.pageTitle")} subtitle={t("chain.pageIntro")} />
      <Row gutter={[24, 24]}>
        <Col xs={24} xl={12}>
          <ChainStatusCard />
        </Col>
        <Col xs={24} xl={12}>
          <Card title={t("chain.heightTitle")}>
            {samples.length < 2 ? (
              <Empty description={t("chain.heightWaiting")} />
            ) : (
              <Chart
                label={t("chain.heightTitle")}
                option={{
                  grid: { left: 56, right: 16, top: 16, bottom: 32 },
                  tooltip: { trigger: "axis" },
                  xAxis: { type: "category", data: samples.map((s) => time.format(s.at)) },
                  yAxis: { type: "value", minInterval: 1, scale: true, name: t("chain.block") },
                  series: [
                    { type: "line", step: "end", data: samples.map((s) => s.block), name: t("chain.block") },
                  ],
                }}
              />
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}
