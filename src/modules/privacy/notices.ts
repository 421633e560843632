// Staff notices that the Slack feature delivers (job "slack.deliver" with kind "notice"): the refId
// says what to tell whom, the Slack worker renders and posts it.
//   erased:<caseId>                       DM to the case manager of the case: its client had their
//                                         data erased (text: staff "cases:privacy.erased_notice")
//   withdrawn:<caseId>                    DM to the case manager: the client withdrew consent to case
//                                         management; the case is closed (reason withdrawn)
//   report:<from>:<to>:<variant>          the committee report for [from, to] (inclusive days) to
//                                         relay.reportChannel (build it with createReportBundle)
export type NoticeRef =
  | { kind: "erased" | "withdrawn"; caseId: string }
  | { kind: "report"; from: string; to: string; variant: "public" | "internal" };

export const noticeRef = {
  erased: (caseId: string) => `erased:${caseId}`,
  withdrawn: (caseId: string) => `withdrawn:${caseId}`,
  report: (from: string, to: string, variant: "public" | "internal") => `report:${from}:${to}:${variant}`,
};

export function parseNoticeRef(refId: string): NoticeRef | null {
  const [kind, ...rest] = refId.split(":");
  if ((kind === "erased" || kind === "withdrawn") && rest.length === 1 && rest[0])
    return { kind, caseId: rest[0] };
  if (kind === "report" && rest.length === 3) {
    const [from, to, variant] = rest as [string, string, string];
    if (
      /^\d{4}-\d{2}-\d{2}$/.test(from) &&
      /^\d{4}-\d{2}-\d{2}$/.test(to) &&
      (variant === "public" || variant === "internal")
    )
      return { kind, from, to, variant };
  }
  return null;
}
