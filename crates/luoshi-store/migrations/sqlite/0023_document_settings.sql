-- How a plan's documents (调度通报, 季度小结, 半年讲评, 年度考核) are framed as 公文: the issuing body
-- in the 版头, the 签发人, the 抄送 list and the 印发机关 of the 版记. Set by the office, audited.
CREATE TABLE document_settings (
    plan_id INTEGER PRIMARY KEY REFERENCES plans(id) ON DELETE CASCADE,
    issuer TEXT NOT NULL,
    signer TEXT,
    copies_to TEXT NOT NULL,
    printed_by TEXT,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
