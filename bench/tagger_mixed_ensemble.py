"""Probe (twentieth stop): ensembles of two or three CNNs of different kinds, averaged with the statistics head.

From saved probabilities only (no training): the ten shipped runs, the ten FreqNorm runs and the ten PCEN runs of the
nineteenth stop (bench/results/*_probs.npz).  The head is the same in every run (deterministic logistic regression;
its softmax is 2 x tagger - CNN), so an ensemble is 0.5 x mean(CNNs) + 0.5 x head, run i of each kind together.

    .venv/bin/python bench/tagger_mixed_ensemble.py      (seconds; prints)
"""
import numpy as np
from sklearn.metrics import f1_score
R='bench/results/'
ship=["tagger_accuracy_r9_lowhead_s0","tagger_accuracy_r9_lowhead_s1","tagger_accuracy_r9_lowhead_s2","tagger_accuracy_r9_s0","tagger_accuracy_r9_s1","tagger_accuracy_r9_s2","tagger_accuracy_p12_shipped_s3","tagger_accuracy_p12_shipped_s4","tagger_accuracy_p12_shipped_s5","tagger_accuracy_p13_shipped_s6"]
fn=[f"tagger_accuracy_p19_rfn_s{i}" for i in range(4)]+[f"tagger_accuracy_p19_fn2_s{i}" for i in range(4,10)]
pc=[f"tagger_accuracy_p19_pcen_s{i}" for i in range(10)]
def load(n):
    d=np.load(R+n+'_probs.npz'); o=np.argsort(d['paths']); return {k:d[k][o] for k in ('cnn_only','tagger','y')}, d['paths'][o]
runs={}
for g,names in (('ship',ship),('fn',fn),('pc',pc)):
    runs[g]=[load(n)[0] for n in names]
y=runs['ship'][0]['y'].argmax(1)
f=lambda p: f1_score(y,p.argmax(1),average='macro')
heads=[2*r['tagger']-r['cnn_only'] for g in runs for r in runs[g]]
print('head spread', max(np.abs(h-heads[0]).max() for h in heads))
head=heads[0]
for g in runs: print(g, np.mean([f(r['tagger']) for r in runs[g]]))
for a,b in (('ship','fn'),('ship','pc'),('fn','pc'),('ship','ship')):
    sc=[]
    for i in range(10):
        j=(i+1)%10 if a==b else i
        c=(runs[a][i]['cnn_only']+runs[b][j]['cnn_only'])/2
        sc.append(f(0.5*c+0.5*head))
    print(a,b,'2cnn+head',np.mean(sc))
sc=[f(0.5*(runs['ship'][i]['cnn_only']+runs['fn'][i]['cnn_only']+runs['pc'][i]['cnn_only'])/3+0.5*head) for i in range(10)]
print('3cnn+head',np.mean(sc))
