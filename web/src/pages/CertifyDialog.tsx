import { useEffect, useState } from "react";
import { Alert, Form, Input, Modal, Select } from "antd";
import { call, type Organisation, type Schemas } from "../api/client";
import type { ApiError } from "../api/errors";
import { ProblemAlert } from "../components/ProblemAlert";
import { useI18n } from "../i18n";
import { INDUSTRIES, REGIONS } from "../lib/codes";
import { useIndustryName, useRegionName } from "../lib/labels";
import { showOnForm } from "../lib/problems";
import { useSession } from "../session";

type Values = Schemas["Certification"];

export function CertifyDialog({
  org,
  onClose,
  onCertified,
}: {
  org: Organisation | null;
  onClose: () => void;
  onCertified: (org: Organisation) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { api } = useSession();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const industryName = useIndustryName();
  const regionName = useRegionName();

  useEffect(() => {
    if (org) {
      form.setFieldsValue({ credit_code: org.credit_code ?? "", industry: org.industry || undefined, region: org.region || undefined });
      setError(null);
    }
  }, [org, form]);

  const certify = async () => {
    if (!org) return;
    const values = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      const out = await call(
        api.client.POST("/api/v1/organisations/{org_id}/certify", {
          params: { path: { org_id: org.id } },
          body: { ...values, credit_code: values.credit_code.trim().toUpperCase() },
        }),
      );
      onCertified(out);
      onClose();
    } catch (err) {
      setError(showOnForm(form, err, i18n));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={org !== null}
      title={org ? t("certify.title", { name: org.name }) : ""}
      okText={t("certify.submit")}
      cancelText={t("common.cancel")}
      okButtonProps={{ loading: busy }}
      onOk={() => void certify()}
      onCancel={onClose}
      destroyOnClose
    >
      <Alert type="warning" showIcon message={t("certify.warning")} style={{ marginBottom: 16 }} />
      <ProblemAlert error={error} />
      {/* required={false} on the selects: antd would put aria-required on the select's
          wrapper <div>, which is not valid ARIA there; the rules still require a choice */}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item name="industry" label={t("field.industry")} required={false} rules={[{ required: true, message: t("validation.required") }]}>
          <Select
            showSearch
            optionFilterProp="label"
            options={INDUSTRIES.map((code) => ({ value: code, label: industryName(code) }))}
          />
        </Form.Item>
        <Form.Item name="region" label={t("field.region")} required={false} rules={[{ required: true, message: t("validation.required") }]}>
          <Select
            showSearch
            optionFilterProp="label"
            options={REGIONS.map((code) => ({ value: code, label: `${regionName(code)} (${code})` }))}
          />
        </Form.Item>
        <Form.Item
          name="credit_code"
          label={t("field.creditCode")}
          rules={[
            { required: true, message: t("validation.required") },
            { len: 18, message: t("validation.creditCodeLength") },
          ]}
        >
          <Input maxLength={18} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
