import { Card, List, Result, Typography } from "antd";
import { ToolOutlined } from "@ant-design/icons";
import type { Screen } from "../nav";
import { useI18n } from "../i18n";

/** A navigation placeholder: says which API the screen waits for; shows no data. */
export function Planned({ screen }: { screen: Screen & { planned: NonNullable<Screen["planned"]> } }) {
  const { t } = useI18n();
  return (
    <Card>
      <Result
        icon={<ToolOutlined />}
        title={t(screen.label)}
        subTitle={t("planned.text", { issue: screen.planned.issue })}
      />
      <List
        header={<Typography.Text strong>{t("planned.needs")}</Typography.Text>}
        bordered
        dataSource={screen.planned.api}
        renderItem={(item) => (
          <List.Item>
            <Typography.Text code>{item}</Typography.Text>
          </List.Item>
        )}
        style={{ maxWidth: 720, margin: "0 auto" }}
      />
    </Card>
  );
}
