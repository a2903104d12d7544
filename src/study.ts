/**
 * Figures published by Zinca and Dobrota (2023), "DDoS attack detection
 * using supervised machine learning algorithms over the CICDDoS2019
 * dataset", Acta Technica Napocensis, for the built-in study recipes. The
 * study calls the share of correct predictions "precision"; it is accuracy.
 */
import type { StudyFigures } from "./report_types.ts";

export const STUDY_FIGURES: Record<string, StudyFigures> = {
  "study-ds1": {
    source: "Zinca & Dobrota 2023, dataset 1",
    accuracy: [
      { model: "gnb", train: 0.8884, test: 0.8896 },
      { model: "dt", train: 0.9943, test: 0.9943 },
      { model: "rf", train: 0.9979, test: 0.9945 },
    ],
    f1: [{ model: "rf", perClass: { Benign: 1.0, LDAP: 0.91, MSSQL: 0.98, NetBIOS: 0.97, Syn: 1.0, UDP: 1.0 } }],
  },
  "study-ds2": {
    source: "Zinca & Dobrota 2023, dataset 2",
    accuracy: [
      { model: "gnb", train: 0.9019, test: 0.899 },
      { model: "dt", train: 0.9938, test: 0.9836 },
      { model: "rf", train: 0.9969, test: 0.9851 },
    ],
  },
  "study-ds3": {
    source: "Zinca & Dobrota 2023, dataset 3",
    accuracy: [
      { model: "gnb", train: 0.8766, test: 0.792 },
      { model: "dt", train: 0.9852, test: 0.9371 },
      { model: "rf", train: 0.9964, test: 0.9411 },
    ],
    f1: [{ model: "rf", perClass: { Benign: 0.91, LDAP: 0.91, MSSQL: 0.97, NetBIOS: 0.67 } }],
  },
};
